/** The lessons' names, as the URL holds them (`lesson=`); their texts and presets are in lessons.ts. */
export const lessonIds = [
  'xor-hidden', 'zero-init', 'sigmoid-saturation', 'learning-rate', 'overfitting', 'batchnorm-deep', 'circles-features',
] as const;
export type LessonId = (typeof lessonIds)[number];
