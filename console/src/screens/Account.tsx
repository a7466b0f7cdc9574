// The signed-in person's own page: who they are, and the sessions they have open (this
// browser marked), any of which they can end.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/console-client";
import { useTitle } from "../app/router";
import { useSession } from "../app/session";
import { ErrorNotice } from "../components/ErrorNotice";
import { useAction } from "../lib/useAction";

export default function Account() {
  useTitle("Your account");
  const { session } = useSession();
  const qc = useQueryClient();
  const sessions = useQuery({
    queryKey: ["my-sessions"],
    queryFn: async () => unwrap(await api.GET("/v1/auth/sessions")).data,
  });
  const { error, run } = useAction();
  const end = (ids: number[]) =>
    run(async () => {
      for (const id of ids) unwrap(await api.DELETE("/v1/auth/sessions/{id}", { params: { path: { id } } }));
      await qc.invalidateQueries({ queryKey: ["my-sessions"] });
    });
  const others = (sessions.data ?? []).filter((s) => !s.current).map((s) => s.id);
  return (
    <main id="main" tabIndex={-1}>
      <h1>Your account</h1>
      <dl>
        <dt>Name</dt>
        <dd>{session?.user.name}</dd>
        <dt>Email</dt>
        <dd>{session?.user.email}</dd>
        <dt>Team</dt>
        <dd>{session?.team.name}</dd>
        <dt>Role</dt>
        <dd>{session?.role}</dd>
      </dl>
      <div className="page-head">
        <h2>Where you are signed in</h2>
        <button type="button" disabled={others.length === 0} onClick={() => void end(others)}>
          Sign out everywhere else
        </button>
      </div>
      <ErrorNotice error={error} />
      <table className="plain">
        <thead>
          <tr>
            <th scope="col">Browser</th>
            <th scope="col">Address</th>
            <th scope="col">Signed in</th>
            <th scope="col">Last seen</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(sessions.data ?? []).map((s) => (
            <tr key={s.id}>
              <td>{s.user_agent || "–"}</td>
              <td>{s.client_address}</td>
              <td>{new Date(s.created_at).toLocaleString()}</td>
              <td>{new Date(s.last_seen_at).toLocaleString()}</td>
              <td>
                {s.current ? (
                  "this browser"
                ) : (
                  <button type="button" onClick={() => void end([s.id])}>
                    End
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
