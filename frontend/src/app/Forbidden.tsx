import { Button, Text } from '@mantine/core';
import { Link } from 'react-router';
import { Page } from '../ui/Page';
import { m } from './messages';

export function Forbidden() {
  return (
    <Page title={m.app.forbiddenTitle}>
      <Text>{m.app.forbiddenBody}</Text>
    </Page>
  );
}

export function NotFound() {
  return (
    <Page title={m.app.notFoundTitle}>
      <Text>{m.app.notFoundBody}</Text>
      <div>
        <Button component={Link} to="/">
          {m.app.backHome}
        </Button>
      </div>
    </Page>
  );
}
