import { writeFileSync } from 'node:fs';
import { validateConfig } from '../generator/config/config.js';
import { renderRtl } from '../generator/hardware/render.js';
import { makePlan } from '../generator/hardware/plan.js';
const c = validateConfig(JSON.parse(process.argv[2]!));
writeFileSync(`/tmp/${c.name}.v`, renderRtl(makePlan(c)));
