// What the active context's API server would answer to each token of the timeline the session still holds: refused
// (and why), stale, accepted or not known, worst first, in the words of the hover. Shown as a list above the timeline
// so a refusal is read without hovering. Every word from the host goes in as text.
import type { Timeline, TokenWindow, VerdictTone, WindowVerdict } from '../src/diagnosis/timeline';
import { el } from './dom';
import { tr } from './strings';
import { laneLabel } from './timelineGeometry';

const ICONS: Record<VerdictTone, string> = { refused: 'error', unknown: 'question', stale: 'history', accepted: 'verified' };
const RANK: Record<VerdictTone, number> = { refused: 0, unknown: 1, stale: 2, accepted: 3 };

/** The window's verdict when it is one the webview can show (a saved state of another version may hold anything). */
export function verdictOf(w: TokenWindow): WindowVerdict | undefined {
  const v: unknown = w.verdict;
  if (typeof v !== 'object' || v === null || !('tone' in v) || !('text' in v)) return undefined;
  const { tone, text } = v;
  return typeof tone === 'string' && Object.hasOwn(ICONS, tone) && typeof text === 'string' ? { tone: tone as VerdictTone, text } : undefined;
}

/** The windows with a verdict, worst first, then in lane order, the newest token of a lane first. */
export function judgedWindows(t: Timeline): { window: TokenWindow; verdict: WindowVerdict }[] {
  const lane = (w: TokenWindow): number => t.lanes.indexOf(w.lane);
  return t.windows
    .flatMap((window) => {
      const verdict = verdictOf(window);
      return verdict !== undefined ? [{ window, verdict }] : [];
    })
    .sort((a, b) => RANK[a.verdict.tone] - RANK[b.verdict.tone] || lane(a.window) - lane(b.window) || b.window.firstSeenMs - a.window.firstSeenMs);
}

/** The list, or undefined when no token of the timeline could be judged. */
export function renderVerdicts(t: Timeline): HTMLElement | undefined {
  const judged = judgedWindows(t);
  if (judged.length === 0) return undefined;
  return el('ul', {
    className: 'verdicts',
    attrs: { 'aria-label': tr("The API server's answer to each token the session holds") },
    children: judged.map(({ window: w, verdict }) =>
      el('li', {
        className: `verdict tone-${verdict.tone}`,
        attrs: { 'data-fingerprint': w.fingerprint },
        children: [
          el('vscode-icon', { className: 'verdict-icon', attrs: { name: ICONS[verdict.tone], 'aria-hidden': 'true' } }),
          el('span', { className: 'verdict-token', text: `${laneLabel(w.lane, 72)} · ${w.fingerprint}` }),
          el('span', { className: 'verdict-text', text: verdict.text }),
        ],
      }),
    ),
  });
}
