import { z } from 'zod';

/** An integer key with its allowed range in every error message. */
export function intIn(min: number, max: number) {
  const msg = `allowed: an integer in ${min}..${max}`;
  return z.number({ invalid_type_error: msg, required_error: msg }).int({ message: msg }).min(min, msg).max(max, msg);
}
