/**
 * A panel that throws while rendering shows what went wrong and a way back instead of taking the
 * page with it: "reset this panel" draws it again, "restore defaults" also puts the default
 * configuration back (a bad config is the usual cause). The root has one too, so no input can
 * leave an empty page.
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { quoteValue } from '../contracts/configGate';

interface Props {
  /** Names the panel in the message ("the controls", "the plots"). */
  name: string;
  children: ReactNode;
  /** Puts the default configuration back; the button is absent without it. */
  onRestoreDefaults?: () => void;
  /** A new value clears a shown error (the config changed: the panel may draw again). */
  resetKey?: unknown;
  /** Extra classes of the message box, so it takes the failed panel's place in the layout. */
  className?: string;
}

interface State {
  error: Error | null;
  /** Bumped by "reset this panel": a fresh key mounts the children anew. */
  generation: number;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, generation: 0 };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(quoteValue(error, 200)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.warn(
      `The ${this.props.name} panel failed and was replaced by its error message:`,
      error,
      info.componentStack,
    );
  }

  override componentDidUpdate(previous: Props): void {
    if (this.state.error && previous.resetKey !== this.props.resetKey) this.reset();
  }

  private reset = () => this.setState((s) => ({ error: null, generation: s.generation + 1 }));

  override render(): ReactNode {
    const { error, generation } = this.state;
    if (!error)
      return <ErrorBoundaryChildren key={generation}>{this.props.children}</ErrorBoundaryChildren>;
    return (
      <section
        className={`card panel-error ${this.props.className ?? ''}`}
        role="alert"
        data-testid="panel-error"
      >
        <h2>Something went wrong in {this.props.name}</h2>
        <p>
          <code>{(error.message || String(error)).slice(0, 300)}</code>
        </p>
        <p className="caption">The rest of the page still works; your runs are kept.</p>
        <div className="row">
          <button onClick={this.reset} data-testid="reset-panel">
            reset this panel
          </button>
          {this.props.onRestoreDefaults && (
            <button
              onClick={() => {
                this.props.onRestoreDefaults?.();
                this.reset();
              }}
              data-testid="restore-defaults"
            >
              restore defaults
            </button>
          )}
        </div>
      </section>
    );
  }
}

function ErrorBoundaryChildren({ children }: { children: ReactNode }) {
  return <>{children}</>;
}
