import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/** Counts the keys under a prefix, grouped by the first `depth` segments after it. */
export async function countKeys(
  s3: S3Client,
  bucket: string,
  prefix: string,
  depth = 0,
): Promise<{ total: number; groups: Record<string, number> }> {
  const groups: Record<string, number> = {};
  let total = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? '';
      if (key.endsWith('/')) {
        continue;
      }
      total += 1;
      if (depth > 0) {
        const group = key.slice(prefix.length).split('/').slice(0, depth).join('/');
        groups[group] = (groups[group] ?? 0) + 1;
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { total, groups };
}
