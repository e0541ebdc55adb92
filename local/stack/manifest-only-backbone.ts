// Test fixture shared by the local stack tests.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Creates `<parent>/backbone` with only a manifest of an untrained backbone 'tiny-seeded'
 * (feature layer fc2) and returns its path. The stack reads only the manifest at start,
 * so the folder needs no model.json or weights while no handler runs.
 */
export async function writeManifestOnlyBackbone(parent: string): Promise<string> {
  const backboneDir = join(parent, 'backbone');
  await mkdir(backboneDir);
  const manifest = { id: 'tiny-seeded', inputSize: 32, preprocessing: 'caffe', featureLayer: 'fc2', untrained: true };
  await writeFile(join(backboneDir, 'backbone.json'), JSON.stringify(manifest));
  return backboneDir;
}
