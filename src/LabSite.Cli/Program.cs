using LabSite.Cli;

// `labsite` with no verb prints help; `labsite serve` runs the site (see Cli/).
return await LabSiteCommandLine.InvokeAsync(args);
