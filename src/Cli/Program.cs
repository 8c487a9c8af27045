using TaskProtection.Cli;

return await CliApp.RunAsync(args).ConfigureAwait(false);
