import { listLosses } from '../ml/losses/catalog';

/** Placeholder page until the playground UI lands: lists the losses the math core provides. */
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 900, margin: '2rem auto' }}>
      <h1>Contrastive Playground</h1>
      <p>The math core is in place; the live training UI is under construction.</p>
      <h2>Losses</h2>
      <ul>
        {listLosses().map((loss) => (
          <li key={loss.name}>
            <code>{loss.name}</code>: {loss.description}
          </li>
        ))}
      </ul>
    </main>
  );
}
