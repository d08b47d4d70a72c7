import { writeFileSync } from 'node:fs';
import { validateConfig } from '../generator/config.js';
import { makePlan } from '../generator/plan.js';
import { renderRtl } from '../generator/render.js';
const c = validateConfig(JSON.parse(process.argv[2]!));
writeFileSync(`/tmp/${c.name}.v`, renderRtl(makePlan(c)));
