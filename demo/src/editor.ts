import { StreamLanguage } from '@codemirror/language';
import { toml } from '@codemirror/legacy-modes/mode/toml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';

/** A problem to show on the text: lines and columns 1-based, as the library reports them. */
export interface Problem {
  line: number;
  column?: number;
  /** The last line it covers (a phase's lines); its own line when absent. */
  endLine?: number;
  severity: 'error' | 'warning';
  message: string;
}

/**
 * The TOML editor: CodeMirror 6 with TOML highlighting, line numbers, undo, search, and the
 * problems as lint diagnostics (underlined, marked in the gutter, explained on hover).
 */
export class TomlEditor {
  readonly view: EditorView;
  readonly #extensions: Extension[];
  /** Set while the page replaces the text itself: no edit to report then. */
  #replacing = false;

  constructor(onEdit: (text: string) => void) {
    this.#extensions = [
      basicSetup,
      StreamLanguage.define(toml),
      lintGutter(),
      // tabindex: the text is reachable with Tab, and its scrolling box counts as focusable.
      EditorView.contentAttributes.of({ 'aria-label': 'Workflow TOML', 'data-testid': 'editor', tabindex: '0' }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged && !this.#replacing) onEdit(update.state.doc.toString());
      }),
    ];
    this.view = new EditorView({ state: this.#state(''), parent: undefined });
  }

  get text(): string {
    return this.view.state.doc.toString();
  }

  /** Shows another text (another file, or one changed elsewhere), with an undo history of its own. */
  show(text: string, editable: boolean): void {
    this.#replacing = true;
    try {
      this.view.setState(this.#state(text, editable));
    } finally {
      this.#replacing = false;
    }
  }

  /** Replaces the diagnostics with these problems. */
  problems(problems: readonly Problem[]): void {
    const doc = this.view.state.doc;
    const diagnostics: Diagnostic[] = problems.map((p) => {
      const line = doc.line(clamp(p.line, 1, doc.lines));
      const from = p.column === undefined ? line.from : Math.min(line.from + p.column - 1, line.to);
      const last = doc.line(clamp(p.endLine ?? p.line, line.number, doc.lines));
      // A point (a syntax error at the end of a line) still gets a mark one character wide.
      const to = p.endLine === undefined && p.column !== undefined ? Math.min(from + 1, last.to) : last.to;
      return { from, to: Math.max(from, to), severity: p.severity, message: p.message };
    });
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
  }

  /** Puts the caret at a line and column, scrolled into view, and focuses the editor. */
  goTo(line: number, column = 1): void {
    const doc = this.view.state.doc;
    const at = doc.line(clamp(line, 1, doc.lines));
    const pos = Math.min(at.from + Math.max(0, column - 1), at.to);
    this.view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
    this.view.focus();
  }

  #state(text: string, editable = true): EditorState {
    return EditorState.create({ doc: text, extensions: [...this.#extensions, EditorView.editable.of(editable), EditorState.readOnly.of(!editable)] });
  }
}

function clamp(n: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, n));
}
