import { Alert, Button, Text } from '@mantine/core';
import { Component, type ReactNode } from 'react';
import { m } from '../app/messages';

/** Keeps a failing page (or a chunk that failed to load) from blanking the whole app. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  render() {
    if (!this.state.error) return this.props.children;
    return (
      <Alert color="red" title={m.app.errorTitle} role="alert">
        <Text size="sm">{m.app.crashBody}</Text>
        <Text size="xs" c="dimmed" mt={4}>
          {this.state.error.message}
        </Text>
        <Button size="xs" mt="sm" color="red" variant="white" onClick={() => window.location.reload()}>
          {m.app.reload}
        </Button>
      </Alert>
    );
  }
}
