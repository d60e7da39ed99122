import { Command, CommanderError } from 'commander';
import { registerAgentCommands } from './commands/agent.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerAuthCommands } from './commands/auth.js';
import { registerBudgetCommands } from './commands/budget.js';
import { registerHealthCommands } from './commands/health.js';
import { registerIpRuleCommands } from './commands/ip-rule.js';
import { registerKeyCommands } from './commands/key.js';
import { registerPasskeyCommands } from './commands/passkey.js';
import { registerPriceCommands } from './commands/price.js';
import { registerProjectCommands } from './commands/project.js';
import { registerRequestCommands } from './commands/request.js';
import { registerSettingsCommands } from './commands/settings.js';
import { registerSigningKeyCommands } from './commands/signing-key.js';
import { registerTokenCommands } from './commands/token.js';
import { registerUserCommands } from './commands/user.js';
import { registerWebhookCommands } from './commands/webhook.js';
import { DEFAULT_GATEWAY, DEFAULT_TIMEOUT_SECONDS, ENVIRONMENT_HELP, loadEnvironment, type CliEnvironment } from './config.js';
import { CliContext, type GlobalOptions } from './context.js';
import { EXIT_CODES_HELP, ExitCode } from './exit-codes.js';
import { Output } from './output.js';
import { VERSION } from './version.js';

const EXAMPLES = `Examples:
  $ tollgate login --email me@example.com
  $ tollgate token create --name ci --scope tokens:read --expires-in 30
  $ tollgate token list --status active --json
  $ tollgate token rotate 4Fq9Zr8x0aB3Cd7K --grace 3600
  $ tollgate token revoke 4Fq9Zr8x0aB3Cd7K --yes
  $ tollgate price set openai gpt-4o --input 2.50 --output 10
  $ tollgate agent create --name researcher --budget 10 --provider openai
  $ tollgate agent update agt_… --alert-thresholds 50,80,100
  $ tollgate budget set agt_… --limit 250 --period month --reason "Q3 pilot"
  $ tollgate budget spend --by model --from 30d
  $ tollgate webhook create --url https://hooks.example.com/tollgate --events budget.threshold,budget.exhausted`;

/** The `tollgate` command tree; actions get their CliContext from `contextOf`. */
export function createProgram(contextOf: (cmd: Command) => CliContext): Command {
  const program = new Command('tollgate')
    .description('Command-line client of the Tollgate gateway')
    .version(VERSION, '-V, --version')
    .option('--gateway <url>', `gateway URL (env TOLLGATE_URL, default ${DEFAULT_GATEWAY})`)
    .option('--ca <file>', 'PEM file of a CA to trust for the gateway, e.g. the dev certificate (env TOLLGATE_CA)')
    .option('--json', 'machine-readable output on stdout (errors as JSON on stderr)')
    .option('--timeout <seconds>', `give up on a request after this long (default ${DEFAULT_TIMEOUT_SECONDS})`)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText('after', `\n${EXAMPLES}\n\n${EXIT_CODES_HELP}\n\n${ENVIRONMENT_HELP}`);
  registerAuthCommands(program, contextOf);
  registerTokenCommands(program, contextOf);
  registerPriceCommands(program, contextOf);
  registerAgentCommands(program, contextOf);
  registerBudgetCommands(program, contextOf);
  registerRequestCommands(program, contextOf);
  registerProjectCommands(program, contextOf);
  registerKeyCommands(program, contextOf);
  registerUserCommands(program, contextOf);
  registerPasskeyCommands(program, contextOf);
  registerSettingsCommands(program, contextOf);
  registerIpRuleCommands(program, contextOf);
  registerAuditCommands(program, contextOf);
  registerSigningKeyCommands(program, contextOf);
  registerWebhookCommands(program, contextOf);
  registerHealthCommands(program, contextOf);
  return program;
}

/** Runs one invocation and returns its exit status (see EXIT_CODES_HELP). */
export async function run(argv: readonly string[], env: CliEnvironment = loadEnvironment()): Promise<ExitCode> {
  let ctx: CliContext | undefined;
  const program = createProgram((cmd) => (ctx ??= new CliContext(env, cmd.optsWithGlobals<GlobalOptions>())));
  try {
    await program.parseAsync([...argv]);
    return ExitCode.Ok;
  } catch (err) {
    // Commander has already printed its usage message; --help and --version end with 0.
    if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    return (ctx?.out ?? new Output(argv.includes('--json'))).error(err, env.debug);
  }
}
