// The pipeline board as the console edits it: an optimistic move of a lead to another stage
// (card and totals move at once; the server's answer then replaces the whole board), and
// how amounts per currency are shown.
import type { Schemas } from "../api/console-client";

export type Board = {
  pipeline: Schemas["Pipeline"];
  stages: Schemas["BoardStage"][];
  totals: Schemas["BoardTotals"];
};

function shift(totals: Schemas["BoardTotals"], lead: Schemas["Lead"], sign: 1 | -1, probability: number) {
  const value = { ...totals.value };
  const weighted = { ...totals.weighted_value };
  const v = lead.value ?? 0;
  value[lead.currency] = (value[lead.currency] ?? 0) + sign * v;
  weighted[lead.currency] = (weighted[lead.currency] ?? 0) + (sign * v * probability) / 100;
  for (const m of [value, weighted]) if (Math.abs(m[lead.currency] ?? 0) < 1e-9) delete m[lead.currency];
  return { count: totals.count + sign, value, weighted_value: weighted };
}

// The board after moving `leadId` to `toStageId`, or the same board when there is nothing
// to move (unknown lead, same stage, unknown stage).
export function moveLead(board: Board, leadId: number, toStageId: number): Board {
  const from = board.stages.find((s) => s.leads.some((l) => l.id === leadId));
  const to = board.stages.find((s) => s.id === toStageId);
  if (!from || !to || from.id === to.id) return board;
  const lead = from.leads.find((l) => l.id === leadId)!;
  const moved = { ...lead, stage_id: to.id, status: to.is_won ? "won" : to.is_lost ? "lost" : "open" } as Schemas["Lead"];
  const stages = board.stages.map((s) => {
    if (s.id === from.id)
      return { ...s, leads: s.leads.filter((l) => l.id !== leadId), totals: shift(s.totals, lead, -1, s.probability) };
    if (s.id === to.id) return { ...s, leads: [moved, ...s.leads], totals: shift(s.totals, lead, 1, s.probability) };
    return s;
  });
  let totals = shift(board.totals, lead, -1, from.probability);
  totals = shift(totals, lead, 1, to.probability);
  return { ...board, stages, totals };
}

// "€1,200 · $300" for an amount per currency; "–" for none.
export function formatAmounts(amounts: Record<string, number>, locale?: string): string {
  const parts = Object.entries(amounts)
    .filter(([, v]) => v !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, v]) => {
      try {
        return new Intl.NumberFormat(locale, { style: "currency", currency, maximumFractionDigits: 0 }).format(v);
      } catch {
        return `${Math.round(v)} ${currency}`; // not an ISO 4217 code
      }
    });
  return parts.length ? parts.join(" · ") : "–";
}
