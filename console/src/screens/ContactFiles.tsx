// A contact's files: list, upload (multipart, up to the server's limit), download, delete.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/console-client";
import { ErrorNotice } from "../components/ErrorNotice";
import { useAction } from "../lib/useAction";

const size = (n: number) => (n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(0)} kB` : `${(n / (1 << 20)).toFixed(1)} MB`);

export function Files({ id, writer }: { id: number; writer: boolean }) {
  const qc = useQueryClient();
  const files = useQuery({
    queryKey: ["files", id],
    queryFn: async () => unwrap(await api.GET("/v1/contacts/{id}/files", { params: { path: { id } } })).data,
  });
  const { error, busy, run } = useAction();
  const refresh = () => qc.invalidateQueries({ queryKey: ["files", id] });
  const upload = (file: File) =>
    run(async () => {
      const form = new FormData();
      form.append("file", file, file.name);
      unwrap(
        await api.POST("/v1/contacts/{id}/files", {
          params: { path: { id } },
          body: form as unknown as { file: string },
          bodySerializer: (b: unknown) => b as FormData,
        }),
      );
      await refresh();
    });
  const remove = (fileId: number) =>
    run(async () => {
      unwrap(await api.DELETE("/v1/contacts/{id}/files/{file_id}", { params: { path: { id, file_id: fileId } } }));
      await refresh();
    });
  return (
    <section aria-label="Files">
      <ErrorNotice error={error} />
      {writer ? (
        <label>
          Upload a file
          <input
            type="file"
            disabled={busy}
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void upload(f).then(() => (e.target.value = ""));
            }}
          />
        </label>
      ) : null}
      {files.data && files.data.length === 0 ? <p className="empty">No files yet.</p> : null}
      <ul className="notes">
        {(files.data ?? []).map((f) => (
          <li key={f.id}>
            <a href={`/v1/contacts/${id}/files/${f.id}`} download={f.name}>
              {f.name}
            </a>{" "}
            <span className="muted">
              {f.content_type} · {size(f.size)} · {new Date(f.created_at).toLocaleString()}
            </span>
            {writer ? (
              <button type="button" className="ghost" onClick={() => void remove(f.id)}>
                Delete
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
