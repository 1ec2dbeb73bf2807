import { Center, Loader, Stack, Text } from '@mantine/core';

export function FullPageLoader({ label }: { label: string }) {
  return (
    <Center h="100vh" role="status">
      <Stack align="center" gap="sm">
        <Loader aria-hidden />
        <Text>{label}</Text>
      </Stack>
    </Center>
  );
}
