import { Kbd, Modal, Table, Text } from '@mantine/core';
import { m } from '../app/messages';

/** The review page's keyboard shortcuts (opened with ?). */
export function ShortcutSheet({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={m.review.shortcuts} centered>
      <Table>
        <Table.Tbody>
          {m.review.shortcutList.map(([key, what]) => (
            <Table.Tr key={key}>
              <Table.Td w={60}>
                <Kbd>{key}</Kbd>
              </Table.Td>
              <Table.Td>{what}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="sm" c="dimmed" mt="sm">
        {m.review.shortcutsNote}
      </Text>
    </Modal>
  );
}
