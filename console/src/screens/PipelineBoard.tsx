// Pipelines: a kanban board per pipeline. A lead moves between stages by drag and drop or
// from the keyboard (its "Move to stage" list); the move shows at once and rolls back with
// the server's message when refused. Admins add pipelines and edit their stages.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, unwrap, type Schemas } from "../api/console-client";
import { usePipelines, useUsers } from "../api/queries";
import { navigate, useTitle } from "../app/router";
import { canWrite, isAdmin, useSession } from "../app/session";
import { Dialog } from "../components/Dialog";
import { ActionForm, FormDialog } from "../components/forms";
import { ContactPicker } from "../components/ContactPicker";
import { ErrorNotice } from "../components/ErrorNotice";
import { NamedOptions } from "../components/options";
import { Link } from "../components/Link";
import { formatAmounts, moveLead, type Board } from "../lib/board";
import { useAction } from "../lib/useAction";

export default function PipelineBoard({ id }: { id: number | null }) {
  const pipelines = usePipelines();
  const chosen = id ?? pipelines.data?.find((p) => p.is_default)?.id ?? pipelines.data?.[0]?.id ?? null;
  useEffect(() => {
    if (id === null && chosen !== null) navigate(`/app/pipelines/${chosen}`, { replace: true });
  }, [id, chosen]);
  useTitle("Pipelines");
  return (
    <main id="main" tabIndex={-1}>
      <div className="page-head">
        <h1>Pipelines</h1>
        {pipelines.data && chosen !== null ? (
          <label className="check">
            Pipeline{" "}
            <select value={String(chosen)} onChange={(e) => navigate(`/app/pipelines/${e.target.value}`)}>
              <NamedOptions items={pipelines.data} />
            </select>
          </label>
        ) : null}
        <div className="actions">
          <Link className="button" href="/app/accounts">
            Accounts
          </Link>
          <NewPipeline />
        </div>
      </div>
      <ErrorNotice error={pipelines.error} />
      {pipelines.data && chosen === null ? <p className="empty">No pipeline yet.</p> : null}
      {chosen !== null ? <BoardView id={chosen} /> : null}
    </main>
  );
}

function BoardView({ id }: { id: number }) {
  const qc = useQueryClient();
  const { session } = useSession();
  const users = useUsers();
  const key = ["board", id];
  const board = useQuery({
    queryKey: key,
    queryFn: async () =>
      unwrap(await api.GET("/v1/pipelines/{id}/board", { params: { path: { id }, query: { limit: 100 } } })) as Board,
  });
  const { error, run } = useAction();
  const [dragging, setDragging] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [editing, setEditing] = useState(false);
  const [announce, setAnnounce] = useState("");
  const writer = canWrite(session);

  const move = (leadId: number, stageId: number) =>
    run(async () => {
      const before = qc.getQueryData<Board>(key);
      if (!before) return;
      const after = moveLead(before, leadId, stageId);
      if (after === before) return;
      await qc.cancelQueries({ queryKey: key });
      qc.setQueryData(key, after);
      const stageName = after.stages.find((s) => s.id === stageId)?.name ?? "";
      try {
        unwrap(await api.PATCH("/v1/leads/{id}", { params: { path: { id: leadId } }, body: { stage_id: stageId } }));
        setAnnounce(`Moved to ${stageName}.`);
      } catch (e) {
        qc.setQueryData(key, before);
        setAnnounce(`Not moved: ${(e as Error).message}`);
        throw e;
      } finally {
        void qc.invalidateQueries({ queryKey: key });
        void qc.invalidateQueries({ queryKey: ["lead", leadId] });
      }
    });

  if (board.error) return <ErrorNotice error={board.error} />;
  if (!board.data) return <p className="loading">Loading the board…</p>;
  const b = board.data;
  const owner = (uid: number | null | undefined) => users.data?.find((u) => u.id === uid)?.name;
  return (
    <>
      <div className="stats" aria-label="Pipeline totals">
        <div className="stat">
          <span className="stat-value">{b.totals.count}</span>
          <span className="stat-label">leads</span>
        </div>
        <div className="stat">
          <span className="stat-value">{formatAmounts(b.totals.value)}</span>
          <span className="stat-label">value</span>
        </div>
        <div className="stat">
          <span className="stat-value">{formatAmounts(b.totals.weighted_value)}</span>
          <span className="stat-label">weighted value</span>
        </div>
        {isAdmin(session) ? (
          <button type="button" onClick={() => setEditing(true)}>
            Edit stages
          </button>
        ) : null}
        {writer ? <NewLead pipelineId={id} stages={b.stages} /> : null}
      </div>
      <ErrorNotice error={error} />
      <p className="sr-only" role="status">
        {announce}
      </p>
      <div className="board">
        {b.stages.map((stage) => (
          <section
            key={stage.id}
            aria-labelledby={`stage-${stage.id}`}
            className={`column${over === stage.id ? " drop" : ""}`}
            data-stage={stage.id}
            onDragOver={(e) => {
              if (dragging === null) return;
              e.preventDefault();
              setOver(stage.id);
            }}
            onDragLeave={() => setOver((o) => (o === stage.id ? null : o))}
            onDrop={(e) => {
              e.preventDefault();
              const leadId = Number(e.dataTransfer.getData("text/x-lead") || dragging);
              setOver(null);
              setDragging(null);
              if (leadId) void move(leadId, stage.id);
            }}
          >
            <h2 id={`stage-${stage.id}`}>
              {stage.name} <span className="muted">{stage.probability}%</span>
            </h2>
            <p className="column-totals">
              {stage.totals.count} · {formatAmounts(stage.totals.value)}
              <br />
              <span className="muted">weighted {formatAmounts(stage.totals.weighted_value)}</span>
            </p>
            <ul className="cards">
              {stage.leads.map((lead) => (
                <li
                  key={lead.id}
                  className="lead-card"
                  draggable={writer}
                  onDragStart={(e) => {
                    e.dataTransfer.setData("text/x-lead", String(lead.id));
                    e.dataTransfer.effectAllowed = "move";
                    setDragging(lead.id);
                  }}
                  onDragEnd={() => setDragging(null)}
                >
                  <Link href={`/app/leads/${lead.id}`}>{lead.title || `Lead ${lead.id}`}</Link>
                  <span>{formatAmounts({ [lead.currency]: lead.value })}</span>
                  <span className="muted">
                    {owner(lead.owner_id) ?? "No owner"}
                    {lead.expected_close_date ? ` · closes ${lead.expected_close_date}` : ""}
                  </span>
                  {writer ? (
                    <label>
                      <span className="sr-only">Move {lead.title || `lead ${lead.id}`} to stage</span>
                      <select value={String(stage.id)} onChange={(e) => void move(lead.id, Number(e.target.value))}>
                        {b.stages.map((s) => (
                          <option key={s.id} value={String(s.id)}>
                            {s.id === stage.id ? `In ${s.name}` : `Move to ${s.name}`}
                          </option>
                        ))}
                      </select>
                    </label>
                  ) : null}
                </li>
              ))}
              {stage.totals.count > stage.leads.length ? (
                <li className="muted">and {stage.totals.count - stage.leads.length} older</li>
              ) : null}
            </ul>
          </section>
        ))}
      </div>
      {editing ? <StageEditor pipeline={b.pipeline} stages={b.stages} onClose={() => setEditing(false)} /> : null}
    </>
  );
}

function NewLead({ pipelineId, stages }: { pipelineId: number; stages: Schemas["BoardStage"][] }) {
  const qc = useQueryClient();
  const submit = async (form: FormData) => {
    unwrap(
      await api.POST("/v1/leads", {
        body: {
          contact_id: Number(form.get("contact_id")),
          pipeline_id: pipelineId,
          stage_id: Number(form.get("stage_id")),
          title: String(form.get("title")),
          value: Number(form.get("value") || 0),
          currency: String(form.get("currency") || "EUR").toUpperCase(),
        },
      }),
    );
    await qc.invalidateQueries({ queryKey: ["board", pipelineId] });
  };
  return (
    <FormDialog title="New lead" openLabel="New lead" submitLabel="Create lead" primary onSubmit={submit}>
      <label>
        Title
        <input name="title" required maxLength={200} />
      </label>
      <ContactPicker />
      <label>
        Stage
        <select name="stage_id" defaultValue={String(stages[0]?.id ?? "")}>
          <NamedOptions items={stages} />
        </select>
      </label>
      <div className="inline">
        <label>
          Value
          <input name="value" type="number" min={0} step="any" defaultValue={0} />
        </label>
        <label>
          Currency
          <input name="currency" defaultValue="EUR" maxLength={3} size={4} />
        </label>
      </div>
    </FormDialog>
  );
}

function NewPipeline() {
  const { session } = useSession();
  const qc = useQueryClient();
  if (!isAdmin(session)) return null;
  const submit = async (form: FormData) => {
    const p = unwrap(await api.POST("/v1/pipelines", { body: { name: String(form.get("name")) } }));
    await qc.invalidateQueries({ queryKey: ["pipelines"] });
    navigate(`/app/pipelines/${p.id}`);
  };
  return (
    <FormDialog title="New pipeline" openLabel="New pipeline" submitLabel="Create pipeline" onSubmit={submit}>
      <label>
        Name
        <input name="name" required maxLength={100} />
      </label>
    </FormDialog>
  );
}

type StageInput = Schemas["PipelineStagePatch"];

function StageEditor({
  pipeline,
  stages,
  onClose,
}: {
  pipeline: Schemas["Pipeline"];
  stages: Schemas["BoardStage"][];
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const { error, busy, run } = useAction();
  const pid = pipeline.id;
  const act = (fn: () => Promise<unknown>) =>
    run(async () => {
      await fn();
      await qc.invalidateQueries({ queryKey: ["board", pid] });
    });
  const patch = (id: number, body: StageInput) =>
    act(async () =>
      unwrap(await api.PATCH("/v1/pipelines/{id}/stages/{stage_id}", { params: { path: { id: pid, stage_id: id } }, body })),
    );
  const remove = (id: number) =>
    act(async () =>
      unwrap(await api.DELETE("/v1/pipelines/{id}/stages/{stage_id}", { params: { path: { id: pid, stage_id: id } } })),
    );
  const add = (form: FormData) =>
    act(async () =>
      unwrap(
        await api.POST("/v1/pipelines/{id}/stages", {
          params: { path: { id: pid } },
          body: {
            name: String(form.get("name")),
            probability: Number(form.get("probability") || 0),
            position: (stages.at(-1)?.position ?? 0) + 1,
          },
        }),
      ),
    );
  return (
    <Dialog title={`Stages of ${pipeline.name}`} onClose={onClose}>
      <table className="plain">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Probability %</th>
            <th scope="col">Won / lost</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {stages.map((s, i) => (
            <tr key={`${s.id}-${s.updated_at}`}>
              <td>
                <input
                  aria-label={`Name of ${s.name}`}
                  defaultValue={s.name}
                  maxLength={100}
                  onBlur={(e) => e.target.value !== s.name && void patch(s.id, { name: e.target.value })}
                />
              </td>
              <td>
                <input
                  aria-label={`Probability of ${s.name}`}
                  type="number"
                  min={0}
                  max={100}
                  size={4}
                  defaultValue={s.probability}
                  onBlur={(e) =>
                    Number(e.target.value) !== s.probability && void patch(s.id, { probability: Number(e.target.value) })
                  }
                />
              </td>
              <td>
                <select
                  aria-label={`Outcome of ${s.name}`}
                  value={s.is_won ? "won" : s.is_lost ? "lost" : "open"}
                  onChange={(e) => void patch(s.id, { is_won: e.target.value === "won", is_lost: e.target.value === "lost" })}
                >
                  <option value="open">open</option>
                  <option value="won">won</option>
                  <option value="lost">lost</option>
                </select>
              </td>
              <td className="actions">
                <button
                  type="button"
                  aria-label={`Move ${s.name} up`}
                  disabled={i === 0 || busy}
                  onClick={() => {
                    const prev = stages[i - 1]!;
                    void act(async () => {
                      unwrap(await api.PATCH("/v1/pipelines/{id}/stages/{stage_id}", { params: { path: { id: pid, stage_id: s.id } }, body: { position: prev.position } }));
                      unwrap(await api.PATCH("/v1/pipelines/{id}/stages/{stage_id}", { params: { path: { id: pid, stage_id: prev.id } }, body: { position: s.position } }));
                    });
                  }}
                >
                  ↑
                </button>
                <button type="button" aria-label={`Delete ${s.name}`} disabled={busy} onClick={() => void remove(s.id)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ActionForm onSubmit={add}>
        <label>
          New stage
          <input name="name" required maxLength={100} />
        </label>
        <label>
          Probability %
          <input name="probability" type="number" min={0} max={100} defaultValue={50} size={4} />
        </label>
        <button type="submit" disabled={busy}>
          Add stage
        </button>
      </ActionForm>
      <ErrorNotice error={error} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
