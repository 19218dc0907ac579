import { runCli } from './main';

// The `tollgate` command. Logs go to stdout as JSON; this prints only the exit code's reason.
runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`tollgate: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
