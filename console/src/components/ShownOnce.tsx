// A secret or one-time link the server shows only now: selectable, with what to do with it.
export function ShownOnce(props: { label: string; value: string; children: React.ReactNode; onDone: () => void }) {
  return (
    <div role="status" className="notice">
      {props.children}
      <input readOnly aria-label={props.label} value={props.value} onFocus={(e) => e.currentTarget.select()} />
      <button type="button" onClick={props.onDone}>
        Done
      </button>
    </div>
  );
}
