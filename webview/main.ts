// Browser side of the extension's webviews. The host renders nothing until this script says it is ready,
// so a panel restored after a reload asks for its state instead of showing stale data.
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
vscode.postMessage({ type: 'ready', state: vscode.getState() ?? null });
