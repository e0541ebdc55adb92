import { Command, CommanderError } from 'commander';
import { CliError } from './errors.js';
import { Output } from './output.js';
import { registerCommands } from './program.js';

// The CLI pins its AWS SDK versions, so the SDK's notice that later versions will need
// Node.js 22 does not apply to it. Set the variable to 'false' to see the notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that closes the pipe early, as `vgg-probe models | head -1` does, wants no more
// output, so the CLI ends quietly instead of failing on the write.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') {
    throw error;
  }
  process.exit(0);
});

const program = new Command();
registerCommands(program);
program.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed the usage error or the help text already.
    process.exitCode = error.exitCode;
  } else {
    new Output(process.argv.includes('--json')).error(error);
    process.exitCode = error instanceof CliError ? error.exitCode : 2;
  }
}
