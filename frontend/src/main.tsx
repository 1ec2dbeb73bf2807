import '@mantine/core/styles.css';
import './app/app.css';
import { MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { Provider } from 'urql';
import { newClient } from './app/client';
import { routes } from './app/routes';
import { Session } from './app/session';
import { theme } from './app/theme';

const client = newClient();
const router = createBrowserRouter(routes);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Provider value={client}>
        <Session>
          <RouterProvider router={router} />
        </Session>
      </Provider>
    </MantineProvider>
  </StrictMode>,
);
