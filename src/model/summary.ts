import type { Model } from './types.js';

/** Keras-style layer table: name (type), output shape, parameter count, and totals. */
export function summaryTable(model: Model): string {
  const rows: [string, string, string][] = [['Layer (type)', 'Output Shape', 'Param #']];
  let total = 0;
  let trainable = 0;
  for (const layer of model.layers) {
    const n = layer.isBuilt ? layer.countParams() : 0;
    total += n;
    if (layer.isBuilt) for (const p of layer.weights()) if (p.trainable) trainable += p.size;
    const units = layer.outputUnits || '?';
    rows.push([`${layer.name} (${layer.className})`, `[null, ${units}]`, layer.isBuilt ? n.toLocaleString('en-US') : '?']);
  }
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)) + 2);
  const line = (r: [string, string, string]) => r[0].padEnd(widths[0]!) + r[1].padEnd(widths[1]!) + r[2].padStart(widths[2]!);
  const rule = '─'.repeat(widths.reduce((a, b) => a + b, 0));
  const out = [`Model: "${model.name}"`, rule, line(rows[0]!), rule.replace(/─/g, '═')];
  for (const r of rows.slice(1)) out.push(line(r));
  out.push(rule);
  out.push(`Total params: ${total.toLocaleString('en-US')}`);
  out.push(`Trainable params: ${trainable.toLocaleString('en-US')}`);
  out.push(`Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`);
  out.push(`Backend: ${model.backend}, ${model.dtype}`);
  return out.join('\n');
}
