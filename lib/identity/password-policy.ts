import { z } from 'zod';

/** What a new password must be: long enough to resist guessing, short enough to hash cheaply. */
export const newPasswordSchema = z
  .string()
  .min(12, 'Use at least 12 characters.')
  .max(256, 'Use at most 256 characters.')
  .refine((value) => value.trim().length === value.length, 'Remove the spaces at the start or end.');
