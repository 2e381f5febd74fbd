// `pnpm loadtest`: one load test from the command line; exits 0 when nothing was found, 1 when
// any check failed, 2 when the run could not happen. The last line on stdout is `LOADTEST {json}`.
import { parseOptions, USAGE, UsageError } from './options.ts';
import { runLoadtest } from './run.ts';

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const abort = new AbortController();
  const stop = (signal: string) => {
    console.error(`\n${signal}: stopping the load test and everything it started`);
    abort.abort();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  const result = await runLoadtest(options, abort.signal);
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`loadtest could not run: ${err instanceof Error ? err.message : String(err)}`);
    if (
      err instanceof UsageError ||
      (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    )
      console.error(USAGE);
    process.exit(2);
  },
);
