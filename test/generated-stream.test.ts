/** The committed stream blocks in generated/ (see test/generated.test.ts for the parallel ones). */
import { presetSuites } from './generated-cases.js';

presetSuites((arch) => arch === 'stream');
