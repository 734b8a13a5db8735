// Days and fuzzy dates. Days are YYYY-MM-DD strings (compared as strings,
// counted in UTC) and map to the date slider's positions; the API's
// FuzzyDates are shown at the precision the source gives, never as a
// made-up day ("August 2008", "about 19 Aug 2008", "16–17 August 2008").

// The slider's range; the date input accepts any day.
const RANGE_START = '1990-01-01';
export const RANGE_END = '2010-12-31';

const DAY_MS = 86400000;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

// Milliseconds since the epoch of a day's UTC midnight, from its regex match.
function utc(match) {
  return Date.UTC(+match[1], +match[2] - 1, +match[3]);
}

// Whether `text` is a real calendar day (no 2008-02-30).
export function isDay(text) {
  const m = DAY_RE.exec(text || '');
  if (!m) return false;
  const d = new Date(utc(m));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

// The slider position of a day: days since RANGE_START.
export function dayToIndex(day) {
  return Math.round((utc(DAY_RE.exec(day)) - utc(DAY_RE.exec(RANGE_START))) / DAY_MS);
}

export function indexToDay(index) {
  return new Date(utc(DAY_RE.exec(RANGE_START)) + index * DAY_MS).toISOString().slice(0, 10);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
  'August', 'September', 'October', 'November', 'December'];
const MONTHS_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function ymd(day) {
  return { y: +day.slice(0, 4), m: +day.slice(5, 7), d: +day.slice(8, 10) };
}

// A full day: "19 August 2008" (short: "19 Aug 2008").
export function formatDay(day, short) {
  const p = ymd(day);
  return `${p.d} ${(short ? MONTHS_SHORT : MONTHS)[p.m - 1]} ${p.y}`;
}

// One date at its precision; `day` is any day inside it.
function formatAt(precision, day, approximate, uncertain) {
  const p = ymd(day);
  let text;
  if (precision === 'DAY') text = formatDay(day, approximate);
  else if (precision === 'MONTH') text = `${MONTHS[p.m - 1]} ${p.y}`;
  else if (precision === 'YEAR') text = String(p.y);
  else if (precision === 'DECADE') text = `${Math.floor(p.y / 10) * 10}s`;
  else text = day;
  if (approximate) text = `about ${text}`;
  if (uncertain) text += '?';
  return text;
}

// The precision and qualifiers of one end of an EDTF interval
// (precision null for a shape this page does not know).
function edtfEnd(text) {
  const last = text.slice(-1);
  const approximate = last === '~' || last === '%';
  const uncertain = last === '?' || last === '%';
  const body = approximate || uncertain ? text.slice(0, -1) : text;
  let precision = null;
  if (/^\d{3}X$/.test(body)) precision = 'DECADE';
  else if (/^\d{4}$/.test(body)) precision = 'YEAR';
  else if (/^\d{4}-\d{2}$/.test(body)) precision = 'MONTH';
  else if (/^\d{4}-\d{2}-\d{2}$/.test(body)) precision = 'DAY';
  return { precision, approximate, uncertain };
}

// "16–17 August 2008", "30 September – 1 October 2008", "August–October 2008".
function formatInterval(fd) {
  const [first, second] = fd.edtf.split('/');
  const a = edtfEnd(first);
  const b = edtfEnd(second || '');
  if (!a.precision || !b.precision) {
    // Not a shape we know: say only what the bounds say.
    return `${formatAt(fd.precision, fd.earliest, fd.approximate, fd.uncertain)} – ` +
      formatAt(fd.precision, fd.latest, fd.approximate, fd.uncertain);
  }
  const plain = !a.approximate && !a.uncertain && !b.approximate && !b.uncertain;
  const s = ymd(fd.earliest);
  const e = ymd(fd.latest);
  if (plain && a.precision === 'DAY' && b.precision === 'DAY' && s.y === e.y) {
    if (s.m === e.m) return `${s.d}–${e.d} ${MONTHS[e.m - 1]} ${e.y}`;
    return `${s.d} ${MONTHS[s.m - 1]} – ${e.d} ${MONTHS[e.m - 1]} ${e.y}`;
  }
  if (plain && a.precision === 'MONTH' && b.precision === 'MONTH' && s.y === e.y) {
    return `${MONTHS[s.m - 1]}–${MONTHS[e.m - 1]} ${e.y}`;
  }
  return `${formatAt(a.precision, fd.earliest, a.approximate, a.uncertain)} – ` +
    formatAt(b.precision, fd.latest, b.approximate, b.uncertain);
}

// A FuzzyDate as a reader would say it; never more precise than the source.
export function formatFuzzy(fd) {
  if (!fd) return '?';
  if (fd.edtf.includes('/')) return formatInterval(fd);
  return formatAt(fd.precision, fd.earliest, fd.approximate, fd.uncertain);
}

// What the date can denote, for a tooltip: "EDTF 2008-08: 2008-08-01 to 2008-08-31".
export function fuzzyTitle(fd) {
  if (!fd) return '';
  const range = fd.earliest === fd.latest ? fd.earliest : `${fd.earliest} to ${fd.latest}`;
  return `EDTF ${fd.edtf}: ${range}`;
}

// "2002 – August 2008", "since August 2008", "until 2002".
export function formatPeriod(period) {
  if (!period) return '';
  if (period.from && period.to) return `${formatFuzzy(period.from)} – ${formatFuzzy(period.to)}`;
  if (period.from) return `since ${formatFuzzy(period.from)}`;
  if (period.to) return `until ${formatFuzzy(period.to)}`;
  return 'no dates given';
}

// An article's publication day (DateTime → "19 August 2008").
export function formatPublished(dateTime) {
  return dateTime && isDay(dateTime.slice(0, 10)) ? formatDay(dateTime.slice(0, 10)) : (dateTime || '');
}
