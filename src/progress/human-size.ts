/** Byte sizes as docker prints them (go-units HumanSize: decimal, 4 significant digits, no space): 48.25MB. */
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

export function humanSize(bytes: number): string {
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(4))}${UNITS[i]}`;
}
