/** The committed parallel blocks in odd places (see test/generated.test.ts). */
import { presetSuites } from './generated-cases.js';

presetSuites((arch, k) => arch !== 'stream' && k % 2 === 1);
