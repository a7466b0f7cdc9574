// A Lua editor on CodeMirror 6, loaded only by the workflow screen (its own chunk):
// highlighting, completion of the crm.* functions read from workflows/crm.lua (the same
// annotations file the server's catalogue writes), and errors shown at their lines.
import { autocompletion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { StreamLanguage, bracketMatching, defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { lua } from "@codemirror/legacy-modes/mode/lua";
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "react";
import annotations from "../../../workflows/crm.lua?raw";

interface CrmFunction {
  label: string;
  detail: string;
  info: string;
}

// `function crm.tag(contact, ...) end` with the `---` lines above it.
export function crmFunctions(source: string): CrmFunction[] {
  const out: CrmFunction[] = [];
  const lines = source.split("\n");
  lines.forEach((line, i) => {
    const m = /^function (crm\.[\w.]+)\(([^)]*)\)/.exec(line);
    if (!m) return;
    const doc: string[] = [];
    for (let j = i - 1; j >= 0 && lines[j]!.startsWith("---"); j--) doc.unshift(lines[j]!.replace(/^---@?/, ""));
    out.push({ label: m[1]!, detail: `(${m[2]})`, info: doc.join("\n") });
  });
  return out;
}

const CRM = crmFunctions(annotations);

function completeCrm(context: CompletionContext): CompletionResult | null {
  const word = context.matchBefore(/crm\.[\w.]*/);
  if (!word || (word.from === word.to && !context.explicit)) return null;
  return {
    from: word.from,
    options: CRM.map((f) => ({ label: f.label, detail: f.detail, type: "function", ...(f.info ? { info: f.info } : {}) })),
    validFor: /^crm\.[\w.]*$/,
  };
}

export interface LineError {
  line: number;
  message: string;
}

export default function LuaEditor({
  value,
  onChange,
  errors,
  label,
}: {
  value: string;
  onChange: (source: string) => void;
  errors: LineError[];
  label: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    // Inside a shadow root CodeMirror's styles go to adopted style sheets instead of
    // <style> elements, which the console's Content-Security-Policy (no inline style) blocks.
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: "open" });
    const parent = document.createElement("div");
    shadow.replaceChildren(parent);
    const v = new EditorView({
      root: shadow,
      parent,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          history(),
          bracketMatching(),
          StreamLanguage.define(lua),
          syntaxHighlighting(defaultHighlightStyle),
          autocompletion({ override: [completeCrm] }),
          lintGutter(),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          EditorView.contentAttributes.of({ "aria-label": label }),
          EditorView.theme({ "&": { minHeight: "16rem", fontSize: "0.9rem" }, ".cm-scroller": { fontFamily: "ui-monospace, monospace" } }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // The document is the editor's own after it starts; `value` only seeds it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const doc = v.state.doc;
    const diagnostics: Diagnostic[] = errors
      .filter((e) => e.line >= 1 && e.line <= doc.lines)
      .map((e) => {
        const line = doc.line(e.line);
        return { from: line.from, to: Math.max(line.to, line.from), severity: "error", message: e.message };
      });
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [errors]);

  return <div className="lua-editor" ref={host} />;
}
