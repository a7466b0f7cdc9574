// How many SMS segments a text takes: GSM-7 when every character is in the GSM 03.38 basic
// set or its extension (extension characters count twice), else UCS-2; one segment holds
// 160 GSM-7 / 70 UCS-2 units, a concatenated one 153 / 67.
const BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const EXTENDED = "^{}\\[~]|€\f";

export function smsSegments(text: string): { encoding: "GSM-7" | "UCS-2"; units: number; segments: number } {
  let units = 0;
  let gsm = true;
  for (const ch of text) {
    if (BASIC.includes(ch)) units += 1;
    else if (EXTENDED.includes(ch)) units += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (!gsm) {
    // UTF-16 code units: characters outside the BMP take two.
    units = text.length;
    return { encoding: "UCS-2", units, segments: units === 0 ? 0 : units <= 70 ? 1 : Math.ceil(units / 67) };
  }
  return { encoding: "GSM-7", units, segments: units === 0 ? 0 : units <= 160 ? 1 : Math.ceil(units / 153) };
}
