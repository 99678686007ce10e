using SaasPortal.Server.Commands;

return await ServerCommandLine.RunAsync(args);
