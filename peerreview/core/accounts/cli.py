import click


@click.command("create-user")
def create_user_command():
    raise click.ClickException("not yet")
