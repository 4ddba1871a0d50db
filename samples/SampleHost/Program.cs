using SampleHost;

// Composition lives in SampleHostApp so the integration tests start exactly this app on Kestrel.
var app = SampleHostApp.Build(args);
await app.RunAsync();
