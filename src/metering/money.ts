// Decimal arithmetic for quantities and money: one Decimal configuration (40 significant digits, half
// up), the units the prices are quoted in, and rounding to a currency's minor unit. No binary floats.
import { Decimal } from 'decimal.js';

export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = Decimal;

export const MS_PER_HOUR = new Dec(3_600_000);
/** A billing month is 30 days: 10 GB kept 15 days is 10 × 15/30 GB-months, whatever the calendar. */
export const MS_PER_MONTH = new Dec(30 * 24 * 3_600_000);
/** A GB is a GiB (Cinder's sizes are GiB too): 2^30 bytes. */
export const BYTES_PER_GB = new Dec(2).pow(30);

/** Digits after the decimal point of a currency's minor unit (ISO 4217); 2 unless listed. */
const MINOR_DIGITS: Record<string, number> = { JPY: 0, KRW: 0, ISK: 0, CLP: 0, BHD: 3, KWD: 3, TND: 3 };

export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency.toUpperCase()] ?? 2;
}

/** Rounds an amount to the currency's minor unit (half up), as text with exactly that many digits. */
export function toMinorUnit(amount: Dec, currency: string): string {
  return amount.toDecimalPlaces(minorDigits(currency), Decimal.ROUND_HALF_UP).toFixed(minorDigits(currency));
}

/** True when the text is a plain non-negative decimal (what prices and quantities are written as). */
export function isDecimalText(text: string): boolean {
  return /^\d{1,18}(\.\d{1,18})?$/.test(text);
}
