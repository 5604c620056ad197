/**
 * The lessons panel: one button per lesson; the open lesson's text and its presets, the preset
 * that matches the current settings marked.
 */
import { isPreset, lessonById, lessons, presetConfig, type Lesson } from '../lessons.js';
import type { PlaygroundConfig } from '../state.js';
import { el } from './dom.js';

export class LessonsPanel {
  constructor(private readonly root: HTMLElement, private readonly onChoose: (config: PlaygroundConfig) => void, private readonly onClose: () => void) {}

  /** Shows the lesson list and, when one is open, its text and presets. */
  sync(c: PlaygroundConfig): void {
    const open = c.lesson ? lessonById(c.lesson) : undefined;
    const list = el('div', { class: 'lesson-list' }, ...lessons.map((l) => {
      const b = el('button', { class: 'lesson', 'data-lesson': l.id, 'aria-pressed': String(l.id === open?.id) }, l.title);
      b.addEventListener('click', () => this.onChoose(presetConfig(l, l.presets[0]!, c)));
      return b;
    }));
    this.root.replaceChildren(list, ...(open ? [this.detail(open, c)] : []));
  }

  private detail(l: Lesson, c: PlaygroundConfig): HTMLElement {
    const close = el('button', { class: 'close-lesson', title: 'close the lesson', 'aria-label': 'close the lesson' }, '×');
    close.addEventListener('click', () => this.onClose());
    const presets = l.presets.map((p, k) => {
      const b = el('button', { class: 'preset', 'data-preset': k, 'aria-pressed': String(isPreset(p, c)) }, p.label);
      b.addEventListener('click', () => this.onChoose(presetConfig(l, p, c)));
      return b;
    });
    return el('div', { class: 'lesson-detail', id: 'lesson-detail', 'data-lesson': l.id },
      el('h3', {}, l.title, close),
      el('p', { id: 'lesson-text' }, l.text),
      el('div', { class: 'presets' }, ...presets),
      el('p', { class: 'note' }, 'Choose a preset, then press Play (Space).'),
    );
  }
}
