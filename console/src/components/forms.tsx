// Forms the screens share: a form that hands its fields to an action and clears itself when
// the action succeeds, and a button that opens such a form in a dialog ("New lead").
import { useState } from "react";
import { useAction } from "../lib/useAction";
import { Dialog } from "./Dialog";
import { ErrorNotice } from "./ErrorNotice";

// Submits the form's fields to `onSubmit`; resets the form once it resolves (on failure the
// fields stay for another try, and the caller shows the error).
export function ActionForm({
  onSubmit,
  className = "inline",
  label,
  children,
}: {
  onSubmit: (form: FormData) => Promise<unknown>;
  className?: string;
  label?: string;
  children: React.ReactNode;
}) {
  return (
    <form
      className={className}
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        void onSubmit(new FormData(form)).then((ok) => ok !== false && form.reset());
      }}
    >
      {children}
    </form>
  );
}

// A button that opens `title` as a dialog holding `children` (the fields), Cancel and
// `submitLabel`. `onSubmit` runs with the fields; the dialog closes when it succeeds and
// shows the server's message when it fails.
export function FormDialog({
  title,
  openLabel,
  submitLabel,
  primary = false,
  onSubmit,
  children,
}: {
  title: string;
  openLabel: string;
  submitLabel: string;
  primary?: boolean;
  onSubmit: (form: FormData) => Promise<unknown>;
  children: React.ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const { error, busy, run } = useAction();
  if (!open)
    return (
      <button type="button" className={primary ? "primary" : undefined} onClick={() => setOpen(true)}>
        {openLabel}
      </button>
    );
  return (
    <Dialog title={title} onClose={() => setOpen(false)}>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          void run(async () => {
            await onSubmit(form);
            setOpen(false);
          });
        }}
      >
        {children}
        <ErrorNotice error={error} />
        <div className="actions">
          <button type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
