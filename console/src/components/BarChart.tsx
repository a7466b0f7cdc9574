// A small SVG bar chart (stacked when a bar has several parts) for the Reports screen. The
// table under each chart is its text equivalent; the chart says what it shows in its label.
// Colours are SVG attributes, not inline styles (the console's CSP has no inline style).
const COLOURS = ["#0b5cad", "#116329", "#9a6700", "#6e40c9", "#a40e26", "#57606a", "#1f3f8f", "#bf3989"];

export interface Bar {
  label: string;
  parts: { key: string; value: number }[];
}

export function BarChart({ title, bars, keys }: { title: string; bars: Bar[]; keys: string[] }) {
  const width = 640;
  const height = 180;
  const top = 10;
  const bottom = 24;
  const max = Math.max(1, ...bars.map((b) => b.parts.reduce((n, p) => n + p.value, 0)));
  const slot = bars.length ? width / bars.length : width;
  const barWidth = Math.max(2, Math.min(40, slot * 0.7));
  const scale = (height - top - bottom) / max;
  const busiest = bars.reduce<Bar | null>((best, b) => {
    const total = b.parts.reduce((n, p) => n + p.value, 0);
    return !best || total > best.parts.reduce((n, p) => n + p.value, 0) ? b : best;
  }, null);
  const label = `${title}: ${bars.length} bars, at most ${max}${busiest ? ` (${busiest.label})` : ""}. The table below has every value.`;
  const every = Math.ceil(bars.length / 8); // at most 8 axis labels
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} preserveAspectRatio="none">
        <line x1="0" x2={width} y1={height - bottom} y2={height - bottom} stroke="#8c959f" />
        {bars.map((b, i) => {
          let y = height - bottom;
          const x = i * slot + (slot - barWidth) / 2;
          return (
            <g key={b.label}>
              {b.parts.map((p) => {
                const h = p.value * scale;
                y -= h;
                return h > 0 ? (
                  <rect key={p.key} x={x} y={y} width={barWidth} height={h} fill={COLOURS[keys.indexOf(p.key) % COLOURS.length]}>
                    <title>{`${b.label} · ${p.key}: ${p.value}`}</title>
                  </rect>
                ) : null;
              })}
              {i % every === 0 ? (
                <text x={x + barWidth / 2} y={height - 6} textAnchor="middle" fontSize="11" fill="#1b1f24">
                  {b.label}
                </text>
              ) : null}
            </g>
          );
        })}
        <text x="2" y={top + 2} fontSize="11" fill="#1b1f24">
          {max}
        </text>
      </svg>
      {keys.length > 1 ? (
        <figcaption className="legend">
          {keys.map((k, i) => (
            <span key={k}>
              <svg width="10" height="10" aria-hidden="true">
                <rect width="10" height="10" fill={COLOURS[i % COLOURS.length]} />
              </svg>{" "}
              {k}
            </span>
          ))}
        </figcaption>
      ) : null}
    </figure>
  );
}
