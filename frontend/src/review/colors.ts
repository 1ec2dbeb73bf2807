/** Green dark enough for white text (WCAG AA), for approvals. */
export const approveColor = '#1f6b33';

/** Orange dark enough for text on white (WCAG AA), for deadlines that come close. */
export const urgentColor = '#9c3b00';
