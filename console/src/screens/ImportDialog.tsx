// Import a CSV: the file's columns mapped to contact fields, duplicates handled as chosen,
// a dry run that shows the row errors before anything is written, then the import itself
// with its progress and its error report.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../api/console-client";
import { Dialog } from "../components/Dialog";
import { ErrorNotice } from "../components/ErrorNotice";
import { useAction } from "../lib/useAction";

const FIELDS = [
  "name", "email", "phone", "external_id", "platform", "status", "stage", "needs", "purchase_intent",
  "sentiment", "owner_id", "account_id", "score", "first_seen", "last_active", "tags", "tag",
  "interests", "traits", "metadata",
];
type DryRun = { counts: Schemas["Import"]["counts"]; rows: number; errors: Schemas["ImportRowError"][] };

// The header row: the delimiter the server would detect, and the column names.
export function readHeader(text: string): string[] {
  const line = (text.split(/\r\n|\n|\r/)[0] ?? "").replace(/^\uFEFF/, "");
  const delimiter = [",", ";", "\t", "|"].reduce((best, d) => (line.split(d).length > line.split(best).length ? d : best), ",");
  return line.split(delimiter).map((h) => h.trim().replace(/^"(.*)"$/, "$1"));
}

export function ImportDialog({ onClose }: { onClose: () => void }) {
  const qc = useQueryClient();
  const fields = useQuery({
    queryKey: ["custom-fields"],
    queryFn: async () => unwrap(await api.GET("/v1/custom-fields")).data,
  });
  const [file, setFile] = useState<File | null>(null);
  const [headers, setHeaders] = useState<string[]>([]);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [dedupe, setDedupe] = useState<"email" | "phone" | "external_id" | "none">("email");
  const [onDuplicate, setOnDuplicate] = useState<"skip" | "update" | "create">("skip");
  const [dry, setDry] = useState<DryRun | null>(null);
  const [job, setJob] = useState<Schemas["Import"] | null>(null);
  const { error, busy, run } = useAction();
  const targets = [...FIELDS, ...(fields.data ?? []).map((f) => `custom.${f.key}`)];

  async function choose(f: File | undefined) {
    setDry(null);
    setJob(null);
    if (!f) return;
    setFile(f);
    const h = readHeader(await f.slice(0, 64 * 1024).text());
    setHeaders(h);
    setMapping(Object.fromEntries(h.map((c) => [c, targets.includes(c.toLowerCase()) ? c.toLowerCase() : "ignore"])));
  }
  const send = (dryRun: boolean) =>
    api.POST("/v1/imports", {
      params: {
        query: { mapping: JSON.stringify(mapping), dedupe, on_duplicate: onDuplicate, dry_run: dryRun ? "true" : "false" },
      },
      body: file as unknown as string,
      bodySerializer: (b: unknown) => b as Blob,
      headers: { "Content-Type": "text/csv" },
    });
  const check = () =>
    run(async () => {
      const r = unwrap(await send(true)) as unknown as DryRun;
      setDry(r);
    });
  const start = () =>
    run(async () => {
      let current = unwrap(await send(false)) as unknown as Schemas["Import"];
      setJob(current);
      while (current.status === "queued" || current.status === "running") {
        await new Promise((resolve) => setTimeout(resolve, 500));
        current = unwrap(await api.GET("/v1/imports/{id}", { params: { path: { id: current.id } } }));
        setJob(current);
      }
      await qc.invalidateQueries({ queryKey: ["contacts"] });
      await qc.invalidateQueries({ queryKey: ["contact-stats"] });
    });

  const counts = job?.counts ?? dry?.counts;
  return (
    <Dialog title="Import contacts from CSV" onClose={onClose}>
      <div className="stack">
        <ErrorNotice error={error} />
        <label>
          CSV file
          <input type="file" accept=".csv,text/csv" onChange={(e) => void choose(e.target.files?.[0])} />
        </label>
        {headers.length ? (
          <fieldset className="mapping">
            <legend>Columns</legend>
            {headers.map((h) => (
              <label key={h}>
                <span aria-hidden="true">{h}</span>
                <select
                  aria-label={`Column ${h}`}
                  value={mapping[h] ?? "ignore"}
                  onChange={(e) => setMapping({ ...mapping, [h]: e.target.value })}
                >
                  <option value="ignore">ignore</option>
                  {targets.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                  <option value={`metadata.${h.toLowerCase().replace(/[^a-z0-9_]/g, "_")}`}>metadata.{h.toLowerCase().replace(/[^a-z0-9_]/g, "_")}</option>
                </select>
              </label>
            ))}
          </fieldset>
        ) : null}
        <div className="inline">
          <label>
            Find duplicates by
            <select value={dedupe} onChange={(e) => setDedupe(e.target.value as typeof dedupe)}>
              <option value="email">email</option>
              <option value="phone">phone</option>
              <option value="external_id">external id</option>
              <option value="none">nothing</option>
            </select>
          </label>
          <label>
            A duplicate is
            <select value={onDuplicate} onChange={(e) => setOnDuplicate(e.target.value as typeof onDuplicate)}>
              <option value="skip">skipped</option>
              <option value="update">updated</option>
              <option value="create">created anyway</option>
            </select>
          </label>
        </div>
        {counts ? (
          <p role="status" className="notice">
            {job ? `${job.status}: ${job.rows.done} of ${job.rows.total} rows. ` : `Dry run over ${dry?.rows} rows: `}
            {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged, {counts.skipped} skipped,{" "}
            {counts.failed} failed.
            {job && job.status !== "queued" && job.status !== "running" && (counts.failed || counts.skipped) ? (
              <>
                {" "}
                <a href={`/v1/imports/${job.id}/errors?format=csv`} download={`import-${job.id}-errors.csv`}>
                  Error report (CSV)
                </a>
              </>
            ) : null}
          </p>
        ) : null}
        {job ? <progress max={1} value={job.progress} aria-label="Import progress" /> : null}
        {dry && dry.errors.length ? (
          <table className="plain" aria-label="Rows that would fail">
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Column</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {dry.errors.map((e) => (
                <tr key={`${e.row}-${e.column}`}>
                  <td>{e.row}</td>
                  <td>{e.column ?? "–"}</td>
                  <td>{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
          <button type="button" disabled={!file || busy} onClick={() => void check()}>
            Dry run
          </button>
          <button type="button" className="primary" disabled={!file || busy || !!job} onClick={() => void start()}>
            Import
          </button>
        </div>
      </div>
    </Dialog>
  );
}
