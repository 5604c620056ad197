// `backprop perceptron --gate and|or|not|xor`: Rosenblatt's rule on a truth table (seed 004).
import { Command, Option } from 'commander';
import { perceptron, gateData, type Gate, type PerceptronResult } from '../../src/index.js';
import type { InspectCommandDeps } from './explain.js';
import { positive } from '../options.js';
import { sharedOption } from '../sharedOptions.js';

export interface PerceptronOptions {
  gate: Gate;
  epochs: number;
  lr: number;
  format: 'text' | 'json';
}

/** The command's work: train on the gate's truth table and describe the outcome. */
export function runPerceptron(opts: PerceptronOptions): { result: PerceptronResult; predictions: number[]; text: string } {
  const { x, y } = gateData(opts.gate);
  const p = perceptron({ maxEpochs: opts.epochs, learningRate: opts.lr });
  const result = p.fit(x, y);
  const predictions = p.predict(x);
  if (opts.format === 'json') {
    return { result, predictions, text: JSON.stringify({ gate: opts.gate, x, y, predictions, ...result }, null, 2) + '\n' };
  }
  const lines = [`Perceptron (Rosenblatt's rule, step activation, η = ${opts.lr}) on ${opts.gate.toUpperCase()}:`];
  lines.push(`  ${x[0]!.map((_, j) => `x${j + 1}`).join('  ')}  target  output`);
  x.forEach((row, i) => lines.push(`  ${row.map((v) => `${v} `).join('  ')}  ${y[i]}       ${predictions[i]}${predictions[i] === y[i] ? '' : '   ✗'}`));
  lines.push(`  weights [${result.weights.join(', ')}], bias ${result.bias}`);
  lines.push(`  mistakes per epoch: ${result.errorsPerEpoch.join(' ')}`);
  lines.push(`${result.converged ? 'Converged' : 'Stopped'}: ${result.message}`);
  return { result, predictions, text: lines.join('\n') + '\n' };
}

/** Adds `backprop perceptron --gate and|or|not|xor [--epochs n] [--lr η] [--format text|json]`. */
export function register(program: Command, deps: InspectCommandDeps = {}): Command {
  return program
    .command('perceptron')
    .description('Train the classic perceptron on a logic gate: it learns AND, OR and NOT, and cannot learn XOR')
    .addOption(new Option('--gate <gate>', 'the truth table').choices(['and', 'or', 'not', 'xor']).makeOptionMandatory())
    .addOption(sharedOption('epochs', 'epoch limit'))
    .option('--lr <number>', 'learning rate η', positive, 1)
    .addOption(sharedOption('format'))
    .action((opts: PerceptronOptions) => {
      (deps.write ?? ((t: string) => process.stdout.write(t)))(runPerceptron(opts).text);
    });
}
