// A modal dialog on the native <dialog>: the browser traps focus, Esc closes it, and the
// rest of the page is inert while it is open.
import { useEffect, useRef } from "react";

export function Dialog({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: React.ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="dialog-title" onClose={onClose} className="dialog">
      <h2 id="dialog-title">{title}</h2>
      {children}
    </dialog>
  );
}
