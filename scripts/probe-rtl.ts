import { writeFileSync } from 'node:fs';
import { validateConfig } from '../generator/config/config.js';
import { makePlan } from '../generator/numerics/plan.js';
import { renderRtl } from '../generator/hardware/render.js';
const c = validateConfig(JSON.parse(process.argv[2]!));
writeFileSync(`/tmp/${c.name}.v`, renderRtl(makePlan(c)));
