/**
 * How far to move a tenant's clock: an ISO 8601 duration ('P30D', 'PT2H', 'P1DT2H'), a short form ('30d', '2h',
 * '90m', '45s', '1d12h') or a number of milliseconds.
 */
export type Duration = string | number;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const ISO = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const SHORT = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * The duration in milliseconds. Years and months are refused: their length depends on the date they start
 * from, and the clock's API moves by fixed amounts. The clock moves in whole seconds, so a number of
 * milliseconds that is not one is refused too rather than rounded.
 */
export function durationMs(duration: Duration): number {
  if (typeof duration === 'number') {
    if (!Number.isSafeInteger(duration) || duration <= 0 || duration % SECOND !== 0) {
      throw new RangeError(`A duration in milliseconds must be a positive whole number of seconds, not ${duration}.`);
    }
    return duration;
  }
  const text = duration.trim();
  const match = ISO.exec(text) ?? (text.length > 0 ? SHORT.exec(text) : null);
  if (!match || match.slice(1).every((part) => part === undefined)) {
    throw new RangeError(
      `"${duration}" is not a duration: use an ISO 8601 duration of weeks, days, hours, minutes and seconds ` +
        `('P30D', 'PT2H', 'P1DT2H'), a short form ('30d', '2h', '90m', '45s') or milliseconds.`,
    );
  }
  const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = weeks * WEEK + days * DAY + hours * HOUR + minutes * MINUTE + seconds * SECOND;
  if (ms <= 0) throw new RangeError(`"${duration}" is zero: the clock only moves forward.`);
  return ms;
}

/** The duration as the clock's API takes it: ISO 8601 in days, hours, minutes and seconds ('P1DT2H'). */
export function isoDuration(duration: Duration): string {
  let rest = durationMs(duration) / SECOND;
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3_600);
  rest -= hours * 3_600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
