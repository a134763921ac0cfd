// The getting-started walkthrough (contributes.walkthroughs): opened once per installation, from the
// view's title menu, and by "Get Started". Its hover step opens a sample file written on the spot.
import * as vscode from 'vscode';
import { sampleCredentials } from './sampleCredentials';

/** The walkthrough's id in the manifest. */
export const WALKTHROUGH_ID = 'clusterCredentials.gettingStarted';
/** Set once the walkthrough was offered; synced, so a second machine of the same user does not offer it again. */
const OFFERED_KEY = 'clusterCredentials.walkthroughOffered';
const OFFERED_FILE = 'walkthrough-offered';

export function openGettingStarted(extensionId: string): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openWalkthrough', `${extensionId}#${WALKTHROUGH_ID}`, false);
}

/**
 * Opens the walkthrough the first time the explorer shows after installation, never again. Installed from the
 * Marketplace, VS Code opens it by itself at install; this covers a VSIX or command-line install, without
 * activating at every start or taking the editor from someone who only opened a YAML file. VS Code's own switch,
 * `workbench.welcomePage.walkthroughs.openOnInstall`, is honoured: off, it stays in the Welcome page and the
 * view's menu.
 */
export function offerWalkthroughOnce(context: vscode.ExtensionContext, view: vscode.TreeView<unknown>, log: vscode.LogOutputChannel): vscode.Disposable {
  context.globalState.setKeysForSync([OFFERED_KEY]);
  // Also a file in global storage: a browser workbench keeps globalState in the browser, which a closed tab may not
  // have written; the file is on the machine the extension runs on, written before the walkthrough opens.
  const marker = vscode.Uri.joinPath(context.globalStorageUri, OFFERED_FILE);
  let offering = false;
  const offer = async (): Promise<void> => {
    if (offering || context.globalState.get<boolean>(OFFERED_KEY) === true || (await exists(marker))) return;
    offering = true;
    await context.globalState.update(OFFERED_KEY, true);
    try {
      await vscode.workspace.fs.createDirectory(context.globalStorageUri);
      await vscode.workspace.fs.writeFile(marker, new TextEncoder().encode(`${new Date().toISOString()}\n`));
    } catch (err) {
      log.warn(`Could not note that the getting-started walkthrough was offered: ${String(err)}`);
    }
    if (!vscode.workspace.getConfiguration('workbench.welcomePage').get<boolean>('walkthroughs.openOnInstall', true)) return;
    log.info('Opening the getting-started walkthrough: the explorer shows for the first time since installation.');
    await openGettingStarted(context.extension.id).then(undefined, (err: unknown) => log.warn(`The getting-started walkthrough did not open: ${String(err)}`));
  };
  if (view.visible) void offer();
  return view.onDidChangeVisibility((e) => {
    if (e.visible) void offer();
  });
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** "Open a Sample Credential File": an untitled YAML document, so nothing is written to disk. */
export async function openSampleCredentials(): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: sampleCredentials(Date.now()).text });
  await vscode.window.showTextDocument(doc, { preview: false });
}
