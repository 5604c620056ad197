import { InputError } from '../core/errors.js';
import type { ExplainLayer, Explanation } from './explain.js';

/** How renderExplanation writes: plain text or Markdown. */
export type ExplainFormat = 'text' | 'markdown';

/** A number as the notes print it: 9 significant digits, trailing zeros dropped. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  return String(Number(v.toPrecision(9)));
}

function vector(v: readonly number[]): string {
  return `[${v.map(formatNumber).join(', ')}]`;
}

/** A [rows][cols] block: one line for a single row, else one row per line (after a line break). */
function block(m: readonly (readonly number[])[], indent: string): string {
  if (m.length === 1) return vector(m[0]!);
  return '\n' + m.map((r) => `${indent}  ${vector(r)}`).join('\n');
}

/** `label = value` lines without trailing blanks when the value starts on the next line. */
function assign(indent: string, label: string, m: readonly (readonly number[])[]): string {
  const b = block(m, indent);
  return `${indent}${label} =${b.startsWith('\n') ? '' : ' '}${b}`;
}

const LOSS_FORMULA: Record<string, { text: string; tex: string }> = {
  sse: { text: 'E = ½ Σ (t − a)²', tex: 'E = \\tfrac12 \\sum_j (t_j - a_j)^2' },
  mse: { text: 'E = (1/k) Σ (t − a)²', tex: 'E = \\tfrac1k \\sum_j (t_j - a_j)^2' },
  mae: { text: 'E = (1/k) Σ |t − a|', tex: 'E = \\tfrac1k \\sum_j |t_j - a_j|' },
  binaryCrossentropy: { text: 'E = −(1/k) Σ [t log a + (1 − t) log(1 − a)]', tex: 'E = -\\tfrac1k \\sum_j \\left[t_j \\log a_j + (1-t_j)\\log(1-a_j)\\right]' },
  categoricalCrossentropy: { text: 'E = −Σ t log a', tex: 'E = -\\sum_j t_j \\log a_j' },
  sparseCategoricalCrossentropy: { text: 'E = −log a[class]', tex: 'E = -\\log a_{\\text{class}}' },
};

function deltaText(l: ExplainLayer): string {
  switch (l.deltaRule) {
    case 'fused': return 'δ = (ŷ − y)/m  (fused with the loss)';
    case 'jacobian': return 'δ = softmax Jacobian · ∂E/∂a';
    case 'layer': return l.className === 'Dropout' ? 'δ = ∂E/∂a ⊙ mask' : 'δ = the layer\'s backward of ∂E/∂a';
    default: return 'δ = ∂E/∂a ⊙ g\'(z)';
  }
}

function deltaTex(l: ExplainLayer, k: number): string {
  switch (l.deltaRule) {
    case 'fused': return `\\delta^{(${k})} = (\\hat y - y)/m`;
    case 'jacobian': return `\\delta^{(${k})} = J_{\\mathrm{softmax}}^\\top \\, \\partial E/\\partial a^{(${k})}`;
    case 'layer': return l.className === 'Dropout' ? `\\delta^{(${k})} = \\partial E/\\partial a^{(${k})} \\odot \\text{mask}` : `\\delta^{(${k})} = \\text{backward}(\\partial E/\\partial a^{(${k})})`;
    default: return `\\delta^{(${k})} = \\partial E/\\partial a^{(${k})} \\odot g'(z^{(${k})})`;
  }
}

function renderText(e: Explanation): string {
  const out: string[] = [];
  const rows = e.batchSize === 1 ? '1 sample' : `${e.batchSize} samples (E is their mean, so gradients carry 1/${e.batchSize})`;
  out.push(`One step of backpropagation: loss ${e.lossName}, learning rate η = ${formatNumber(e.learningRate)}, ${rows}`);
  out.push('');
  out.push('FORWARD');
  out.push(assign('  ', 'a(0) = x', e.x));
  e.layers.forEach((l, i) => {
    const k = i + 1;
    out.push(`${l.name} (${l.className}, ${l.activation})`);
    if (l.className === 'Dense') {
      out.push(assign('  ', `z(${k}) = a(${k - 1})·W(${k})${l.bias ? ` + b(${k})` : ''}`, l.z));
      out.push(assign('  ', `a(${k}) = ${l.activation}(z(${k}))`, l.a));
    } else {
      out.push(assign('  ', `a(${k})`, l.a));
    }
  });
  const f = LOSS_FORMULA[e.lossName];
  out.push(assign('  ', 'target', e.target));
  out.push(`  ${f ? f.text : 'E'} = ${formatNumber(e.loss)}${e.penalty !== 0 ? ` (including the penalty ${formatNumber(e.penalty)})` : ''}`);
  out.push('');
  out.push('BACKWARD');
  for (let i = e.layers.length - 1; i >= 0; i--) {
    const l = e.layers[i]!;
    const k = i + 1;
    out.push(`${l.name} (${l.className}, ${l.activation})`);
    out.push(assign('  ', `∂E/∂a(${k})`, l.dA));
    if (l.gPrime) out.push(assign('  ', l.className === 'Dropout' ? 'mask' : `g'(z(${k}))`, l.gPrime));
    out.push(assign('  ', deltaText(l), l.delta));
    if (l.className === 'Dense') {
      out.push(assign('  ', `∂E/∂W(${k}) = a(${k - 1})ᵀ·δ`, l.dKernel));
      if (l.dBias) out.push(`  ∂E/∂b(${k}) = Σ δ = ${vector(l.dBias)}`);
    } else {
      for (const p of l.params.filter((q) => q.trainable)) out.push(assign('  ', `∂E/∂${p.name}`, asRows(p.grad)));
    }
    if (i > 0) out.push(assign('  ', `∂E/∂a(${k - 1}) = ${l.className === 'Dense' ? 'δ·Wᵀ' : 'passed down'}`, l.dInput));
  }
  out.push('');
  out.push(`UPDATE  θ ← θ − η·∂E/∂θ (plain gradient descent, η = ${formatNumber(e.learningRate)})`);
  e.layers.forEach((l) => {
    for (const p of l.params.filter((q) => q.trainable)) {
      if (!Array.isArray(p.value[0])) {
        out.push(`  ${p.name}: ${vector(p.value as number[])} → ${vector(p.after as number[])}`);
        continue;
      }
      out.push(`  ${p.name}:`);
      const before = p.value as number[][];
      const after = p.after as number[][];
      before.forEach((row, r) => out.push(`    ${vector(row)} → ${vector(after[r]!)}`));
    }
  });
  return out.join('\n') + '\n';
}

function asRows(v: number[] | number[][]): number[][] {
  return Array.isArray(v[0]) ? (v as number[][]) : [v as number[]];
}

function code(v: number[] | number[][]): string {
  return Array.isArray(v[0]) ? `\`${(v as number[][]).map(vector).join(', ')}\`` : `\`${vector(v as number[])}\``;
}

function renderMarkdown(e: Explanation): string {
  const out: string[] = [];
  out.push(`## One step of backpropagation`);
  out.push('');
  out.push(`Loss **${e.lossName}**, learning rate $\\eta = ${formatNumber(e.learningRate)}$, batch of ${e.batchSize}` +
    (e.batchSize > 1 ? ` (E is the mean over the batch, so every gradient carries $1/${e.batchSize}$).` : '.'));
  out.push('');
  out.push('### Forward pass');
  out.push('');
  out.push(`- $a^{(0)} = x$ = ${code(e.x)}`);
  e.layers.forEach((l, i) => {
    const k = i + 1;
    if (l.className === 'Dense') {
      out.push(`- **${l.name}** (${l.activation}): $z^{(${k})} = a^{(${k - 1})} W^{(${k})}${l.bias ? ` + b^{(${k})}` : ''}$ = ${code(l.z)}; ` +
        `$a^{(${k})} = \\mathrm{${l.activation}}(z^{(${k})})$ = ${code(l.a)}`);
    } else {
      out.push(`- **${l.name}** (${l.className}${l.className === 'Activation' ? `, ${l.activation}` : ''}): $a^{(${k})}$ = ${code(l.a)}`);
    }
  });
  const f = LOSS_FORMULA[e.lossName];
  out.push(`- target $t$ = ${code(e.target)}`);
  out.push(`- $${f ? f.tex : 'E'}$ = **${formatNumber(e.loss)}**${e.penalty !== 0 ? ` (including the penalty ${formatNumber(e.penalty)})` : ''}`);
  out.push('');
  out.push('### Backward pass');
  out.push('');
  for (let i = e.layers.length - 1; i >= 0; i--) {
    const l = e.layers[i]!;
    const k = i + 1;
    out.push(`#### ${l.name} (${l.className}, ${l.activation})`);
    out.push('');
    out.push(`- $\\partial E/\\partial a^{(${k})}$ = ${code(l.dA)}`);
    if (l.gPrime) out.push(`- ${l.className === 'Dropout' ? 'mask' : `$g'(z^{(${k})})$`} = ${code(l.gPrime)}`);
    out.push(`- $${deltaTex(l, k)}$ = ${code(l.delta)}`);
    if (l.className === 'Dense') {
      out.push(`- $\\partial E/\\partial W^{(${k})} = a^{(${k - 1})\\top} \\delta^{(${k})}$ = ${code(l.dKernel)}`);
      if (l.dBias) out.push(`- $\\partial E/\\partial b^{(${k})} = \\sum_{\\text{rows}} \\delta^{(${k})}$ = ${code(l.dBias)}`);
    } else {
      for (const p of l.params.filter((q) => q.trainable)) out.push(`- $\\partial E/\\partial$ \`${p.name}\` = ${code(p.grad)}`);
    }
    if (i > 0) out.push(`- $\\partial E/\\partial a^{(${k - 1})}${l.className === 'Dense' ? ` = \\delta^{(${k})} W^{(${k})\\top}` : ''}$ = ${code(l.dInput)}`);
    out.push('');
  }
  out.push(`### Update: $\\theta \\leftarrow \\theta - \\eta\\, \\partial E/\\partial \\theta$ (plain gradient descent)`);
  out.push('');
  out.push('| parameter | before | after |');
  out.push('|---|---|---|');
  e.layers.forEach((l) => {
    for (const p of l.params.filter((q) => q.trainable)) out.push(`| \`${p.name}\` | ${code(p.value)} | ${code(p.after)} |`);
  });
  return out.join('\n') + '\n';
}

/** The explanation as plain text (terminal) or Markdown with the chain-rule formulas. */
export function renderExplanation(e: Explanation, format: ExplainFormat = 'text'): string {
  if (format === 'text') return renderText(e);
  if (format === 'markdown') return renderMarkdown(e);
  throw new InputError(`renderExplanation: format must be 'text' or 'markdown', got ${JSON.stringify(format)}`);
}
