// The browser entry, for pages without a bundler: `@microsoft/signalr`'s ESM build does not load in a browser as it
// is (extensionless imports, no exports map), so the page loads SignalR's official UMD build (`signalr.min.js`,
// global `signalR`) and hands that namespace in. Nothing here imports SignalR at run time.
import { TenantRealtimeClient, type SignalRNamespace, type TenantRealtimeClientOptions } from "./client.js";

export * from "./core.js";

/** The browser entry's options: the page's `signalR` global (SignalR's UMD build) besides the usual ones. */
export interface BrowserClientOptions extends TenantRealtimeClientOptions {
  /** `window.signalR`, from `signalr.min.js` of `@microsoft/signalr` 10.0.11. */
  signalR: SignalRNamespace;
}

/** Creates a client for the hub at `url` with the page's SignalR; it connects on `start()`. */
export function createTenantRealtimeClient(url: string, options: BrowserClientOptions): TenantRealtimeClient {
  return new TenantRealtimeClient(url, options);
}
