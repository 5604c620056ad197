/**
 * The diagnoses panel: each finding of the library's diagnostics in words (the library's own
 * message, naming the drawn layer), with a button that applies the setting to try.
 */
import type { PageDiagnosis } from '../protocol.js';
import type { PlaygroundConfig } from '../state.js';
import { adviceFor } from '../advice.js';
import { el } from './dom.js';

/** Where a block is in the drawing: "hidden layer 2", "the output layer". */
export function blockName(block: number, hiddenLayers: number): string {
  if (block < 0) return '';
  return block >= hiddenLayers ? 'the output layer' : `hidden layer ${block + 1}`;
}

export function renderDiagnoses(root: HTMLElement, list: readonly PageDiagnosis[], c: PlaygroundConfig, apply: (change: Partial<PlaygroundConfig>) => void): void {
  root.replaceChildren(...list.map((d) => {
    const advice = adviceFor(d.kind, c);
    const where = blockName(d.block, c.hidden.length);
    const button = el('button', { class: 'try', 'data-kind': d.kind }, `Try ${advice.tryText}`);
    button.addEventListener('click', () => apply(advice.change));
    return el('div', { class: 'diagnosis', 'data-kind': d.kind, 'data-block': d.block },
      el('strong', {}, `${advice.title}${where ? ` in ${where}` : ''}${d.epoch >= 0 ? ` (epoch ${d.epoch + 1})` : ''}`),
      d.message, el('br'), button);
  }));
}
