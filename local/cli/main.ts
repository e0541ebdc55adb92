import { Command, CommanderError } from 'commander';
import { CliError } from './errors.js';
import { Output } from './output.js';
import { registerCommands } from './program.js';

// The CLI pins its AWS SDK versions, so the SDK's notice that later versions will need
// Node.js 22 does not apply to it. Set the variable to 'false' to see the notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

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
    process.exitCode = error instanceof CliError ? 1 : 2;
  }
}
