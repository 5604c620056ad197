// Seed 000's weight-initialisation experiment: ten tanh layers of 500 units, input randn.
// With W = randn·0.01 the activations collapse to ~0 within a few layers; with W = randn/√fan_in
// ("Xavier" in the notes; lecunNormal here) their spread decays slowly, ≈0.63 → ≈0.23.
// Run: npx tsx examples/initialisation.ts
import { pathToFileURL } from 'node:url';
import { sequential, layers, initializers, activationStatistics, Matrix, Rng, type InitializerSpec, type LayerActivationStatistics } from 'backprop-mlp';

/**
 * The notes' table for W = randn/√fan_in, hidden layers 1..10 (std of each layer's output).
 * The seed's transcription of the slide has two slips, corrected here from the slide's source
 * (CS231n, "Weight Initialization"): layer 6 reads 0.222116 for 0.292116 (a lone drop that
 * breaks the monotone decay), and the line for layer 9 (0.239266) is missing, so that the
 * seed's "hidden layer 9" carries layer 10's 0.228008. Measured here: 0.2952 and 0.2413.
 */
export const NOTES_XAVIER_STD = [0.627953, 0.486051, 0.407723, 0.357108, 0.320917, 0.292116, 0.273387, 0.254935, 0.239266, 0.228008];

export interface ExperimentArgs {
  /** Rows of the randn input; the notes use 1000. */
  samples?: number;
  layers?: number;
  units?: number;
  seed?: number;
}

/** Forward pass only: per-layer mean and std of the tanh outputs. */
export function initialisationExperiment(init: InitializerSpec, args: ExperimentArgs = {}): LayerActivationStatistics[] {
  const { samples = 1000, layers: depth = 10, units = 500, seed = 0 } = args;
  const model = sequential(
    Array.from({ length: depth }, (_, i) =>
      layers.dense({ units, activation: 'tanh', useBias: false, kernelInitializer: init, ...(i === 0 ? { inputShape: [units] } : {}) })),
    { seed },
  );
  const rng = new Rng(seed + 1);
  const x = Matrix.zeros(samples, units);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.normal();
  return activationStatistics(model, x);
}

function main(): void {
  const runs: [string, InitializerSpec][] = [
    ['W = randn·0.01', initializers.randomNormal({ stddev: 0.01 })],
    ['W = randn/√fan_in (lecunNormal)', 'lecunNormal'],
  ];
  for (const [title, init] of runs) {
    console.log(`\n${title}`);
    console.log('layer   mean        std       (notes, randn/√fan_in)   saturated');
    initialisationExperiment(init).forEach((s, i) => {
      const notes = title.includes('fan_in') ? NOTES_XAVIER_STD[i]!.toFixed(6) : '';
      console.log(`${String(i + 1).padStart(5)}   ${s.mean.toFixed(6).padStart(9)}   ${s.std.toFixed(6)}   ${notes.padStart(8)}               ${(100 * s.saturatedFraction!).toFixed(1)}%`);
    });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
