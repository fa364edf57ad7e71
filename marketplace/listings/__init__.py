"""Rules shared by achievements and needs: lifecycle, common columns, bulk import."""
